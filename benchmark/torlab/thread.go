package torlab

import (
	"runtime"
	"sync"

	"golang.org/x/sys/unix"
)

// A thread runs functions on one OS thread of its own, locked for its whole
// life and never given back to the Go scheduler: the thread that forks a
// network's processes (their Pdeathsig fires when it ends) and, in
// namespace mode, the one thread of this process inside the network's
// namespace, where sockets are made.
//
// It is never the process's main thread. Go runs goroutines on the main
// thread too, but a goroutine that exits locked to it wedges it instead of
// ending it, so the children's Pdeathsig would not fire when the network
// closes, and a namespace entered there would become the one that
// /proc/self names for the whole process.
type thread struct {
	reqs chan func()
	done chan struct{}
	once sync.Once
}

func newThread() *thread {
	t := &thread{reqs: make(chan func()), done: make(chan struct{})}
	ready := make(chan struct{})
	go t.serve(ready)
	<-ready
	return t
}

// serve locks the calling goroutine to its thread and runs the thread's
// functions until stop, closing ready once locked. Called on the main
// thread, it hands over: it starts serve on another goroutine, which cannot
// run on the main thread while this one holds it, waits until that one is
// locked, and returns the main thread to the scheduler.
func (t *thread) serve(ready chan struct{}) {
	runtime.LockOSThread()
	if onMainThread() {
		go t.serve(ready)
		<-ready
		runtime.UnlockOSThread()
		return
	}
	// Never unlocked: when this goroutine returns the thread exits, which
	// is what we want once every child is gone (and a thread that changed
	// its namespace must not run other goroutines).
	close(ready)
	for {
		select {
		case f := <-t.reqs:
			f()
		case <-t.done:
			return
		}
	}
}

// onMainThread reports whether the calling goroutine runs on the process's
// main thread (the one whose thread ID is the process ID).
func onMainThread() bool { return unix.Gettid() == unix.Getpid() }

// do runs f on the thread and waits for it; it reports false, without
// running f, once the thread has stopped.
func (t *thread) do(f func()) bool {
	fin := make(chan struct{})
	select {
	case t.reqs <- func() { f(); close(fin) }:
		<-fin
		return true
	case <-t.done:
		return false
	}
}

// stop ends the thread.
func (t *thread) stop() { t.once.Do(func() { close(t.done) }) }
