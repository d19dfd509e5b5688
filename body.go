package mammoth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// pooledBodyLimit is the size up to which a success body is read into a
// pooled buffer; the pool keeps no buffer larger than that.
const pooledBodyLimit = 1 << 20

// bodyChunk is the unit in which a large body of unknown length is read.
const bodyChunk = 4 << 20

var errBodyTooLarge = fmt.Errorf("body larger than %d bytes", maxResponseBody)

// readSuccessBody reads a 2xx body of at most maxResponseBody bytes, so that
// a body of any size costs at most about that much memory: a Content-Length
// above the cap fails before anything is read, a known length is read into
// a buffer of exactly that size, and a body of unknown length is read in
// chunks, so that the cap is never exceeded by more than a chunk (a
// doubling buffer would reach twice the cap, plus the copy). data may live
// in buf, a pooled buffer: pass it to putBuffer once data is no longer used.
func readSuccessBody(resp *http.Response) (data []byte, buf *bytes.Buffer, err error) {
	if resp.ContentLength > maxResponseBody {
		return nil, nil, errBodyTooLarge
	}
	if resp.ContentLength > pooledBodyLimit {
		data = make([]byte, resp.ContentLength)
		if _, err := io.ReadFull(resp.Body, data); err != nil {
			return nil, nil, err
		}
		return data, nil, nil
	}
	buf = bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, pooledBodyLimit))
	if err != nil {
		return nil, buf, err
	}
	if n < pooledBodyLimit || resp.ContentLength >= 0 {
		return buf.Bytes(), buf, nil
	}
	// Longer than the pool's buffers and of unknown length: read the rest
	// in chunks, then join them once the whole body is known to fit.
	chunks := [][]byte{bytes.Clone(buf.Bytes())}
	total := n
	for {
		chunk := make([]byte, bodyChunk)
		m, err := io.ReadFull(resp.Body, chunk)
		total += int64(m)
		if total > maxResponseBody {
			return nil, buf, errBodyTooLarge
		}
		if m > 0 {
			chunks = append(chunks, chunk[:m])
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, buf, err
		}
	}
	data = make([]byte, 0, total)
	for _, c := range chunks {
		data = append(data, c...)
	}
	return data, buf, nil
}

// putBuffer returns a buffer of readSuccessBody's to the pool, unless it
// grew too large to be worth keeping.
func putBuffer(buf *bytes.Buffer) {
	if buf != nil && buf.Cap() <= pooledBodyLimit+bytes.MinRead {
		bufferPool.Put(buf)
	}
}
