// Package container holds perfgate's container test: it builds the action's
// real Dockerfile with buildah (daemonless, chroot isolation, vfs storage)
// on base images it makes locally with debootstrap, and runs the image's own
// ENTRYPOINT the way GitHub's runner runs a Docker action — the workspace at
// /github/workspace owned by another uid and cloned at depth 1, the
// runner's files under /github/file_commands, the event under
// /github/workflow, INPUT_* from action.yml's defaults, GITHUB_API_URL
// pointing at a stand-in for the GitHub API on the host's loopback, and
// Docker's default capabilities only (the runner passes no --cap-add or
// --privileged). So the private network cannot have a namespace of its own:
// the test checks that the live runs measured in shim mode (the results'
// environment.loopback, the report's and the job summary's instrument line),
// with the image's quick-ACK shim mapped into every relay and never into
// the client, and that no process is left behind.
//
// The test is behind the build tag containertest and needs root; run it with
//
//	make container-test    # = bash test/container/run.sh
//
// which installs buildah and debootstrap when missing, gives the test its
// own buildah storage under /var/tmp and removes it afterwards. The
// debootstrapped root file system, and the .deb files of the cgo packages
// the golang base image has, are cached in /var/cache/perfgate-container.
package container
