package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// smallDataview holds one export: a page small enough that 20,000 calls
// take about a second. Connection reuse does not depend on the page size.
const smallDataview = 1

// raceEnabled is set when the race detector runs, which slows every call
// tenfold.
var raceEnabled bool

// callConcurrently makes calls calls of list from goroutines goroutines.
func callConcurrently(t *testing.T, list func(context.Context) error, goroutines, calls int) {
	t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for next.Add(1) <= int64(calls) {
				if err := list(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestConnectionsUnderLoad makes 20,000 ListExports calls from 64
// goroutines through one client and counts the TCP connections the server
// accepted. The SDK's default client keeps every connection it opens, so it
// opens one per goroutine; http.DefaultClient keeps two and opens a new one
// on most calls. With -short or the race detector
// it makes 2,000 calls and skips http.DefaultClient.
func TestConnectionsUnderLoad(t *testing.T) {
	calls := 20_000
	quick := testing.Short() || raceEnabled
	if quick {
		calls = 2_000
	}
	cases := []struct {
		impl     string
		maxConns int64 // 0: report only
	}{
		{impl: "sdk", maxConns: concurrentCallers + 8},
		{impl: "baseline", maxConns: concurrentCallers + 8},
		{impl: "sdk-defaultclient"},
	}
	for _, tc := range cases {
		t.Run(tc.impl, func(t *testing.T) {
			if tc.maxConns == 0 && quick {
				t.Skip("opens thousands of connections")
			}
			srv := newServer(t)
			list, release := lister(t, tc.impl, srv, smallDataview)
			defer release()
			callConcurrently(t, list, concurrentCallers, calls)
			conns := srv.conns.Load()
			t.Logf("%s: %d calls from %d goroutines, %d connections accepted", tc.impl, calls, concurrentCallers, conns)
			if tc.maxConns > 0 && conns > tc.maxConns {
				t.Errorf("%d connections accepted, want at most %d", conns, tc.maxConns)
			}
		})
	}
}
