package torlab

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// The main goroutine stays locked to the main thread after init, so that
// TestMain, on it, can start a thread there (startOnMainThread).
func init() { runtime.LockOSThread() }

// mainThreadStart is what startOnMainThread saw: whether it ran on the main
// thread, and the thread ID that then served the thread's functions.
var mainThreadStart struct {
	onMain bool
	tid    int
}

// startOnMainThread starts a thread from the main thread, the case the
// scheduler makes now and then when a goroutine lands there; TestMain calls
// it before the tests.
func startOnMainThread() {
	if unix.Gettid() != unix.Getpid() {
		return
	}
	mainThreadStart.onMain = true
	th := &thread{reqs: make(chan func()), done: make(chan struct{})}
	ready := make(chan struct{})
	th.serve(ready) // hands over and returns
	<-ready
	th.do(func() { mainThreadStart.tid = unix.Gettid() })
	th.stop()
}

func TestThreadNeverMain(t *testing.T) {
	t.Run("started on the main thread", func(t *testing.T) {
		if !mainThreadStart.onMain {
			t.Fatal("TestMain did not run on the main thread")
		}
		if mainThreadStart.tid == 0 || mainThreadStart.tid == unix.Getpid() {
			t.Fatalf("the thread served on thread %d, the main thread is %d", mainThreadStart.tid, unix.Getpid())
		}
	})
	t.Run("started anywhere", func(t *testing.T) {
		for i := 0; i < 50; i++ {
			th := newThread()
			var tid int
			th.do(func() { tid = unix.Gettid() })
			th.stop()
			if tid == unix.Getpid() {
				t.Fatalf("thread %d serves on the main thread", i)
			}
		}
	})
}
