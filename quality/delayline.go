package quality

import (
	"io"
	"net"
	"sync/atomic"
	"time"
)

// chunk is data read at a time, due for writing at due.
type chunk struct {
	data []byte
	due  time.Time
}

// delayCopy copies src to dst, writing every chunk d after it was read.
// At EOF it half-closes dst (so the peer sees the end) after the last
// chunk; on a write error it closes src so the reader stops.
func delayCopy(dst, src net.Conn, d time.Duration, count *atomic.Int64) {
	if d == 0 {
		_, err := io.Copy(dst, countingReader{src, count})
		if err != nil {
			src.Close()
			return
		}
		closeWrite(dst)
		return
	}
	// The channel's capacity bounds the data in flight: with 32 KiB reads,
	// 256 chunks are at most 8 MiB per direction and connection.
	line := make(chan chunk, 256)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				line <- chunk{buf[:n], time.Now().Add(d)}
			}
			if err != nil {
				return
			}
		}
	}()
	failed := false
	for ch := range line {
		if failed {
			continue // drain so the reader can finish
		}
		if w := time.Until(ch.due); w > 0 {
			time.Sleep(w)
		}
		n, err := dst.Write(ch.data)
		count.Add(int64(n))
		if err != nil {
			failed = true
			src.Close()
		}
	}
	if !failed {
		closeWrite(dst)
	}
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
		return
	}
	c.Close()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
