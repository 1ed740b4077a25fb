package torlab

import (
	"runtime"
	"sync"
)

// A thread runs functions on one OS thread of its own, locked for its whole
// life and never given back to the Go scheduler: the thread that forks a
// network's processes (their Pdeathsig fires when it ends) and, in
// namespace mode, the one thread of this process inside the network's
// namespace, where sockets are made.
type thread struct {
	reqs chan func()
	done chan struct{}
	once sync.Once
}

func newThread() *thread {
	t := &thread{reqs: make(chan func()), done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		// Never unlocked: when this goroutine returns the thread exits,
		// which is what we want once every child is gone (and a thread
		// that changed its namespace must not run other goroutines).
		close(ready)
		for {
			select {
			case f := <-t.reqs:
				f()
			case <-t.done:
				return
			}
		}
	}()
	<-ready
	return t
}

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
