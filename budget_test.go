package mammoth

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBudget_TokenBucketSpendsAndEarns(t *testing.T) {
	t.Parallel()
	b := newRetryBudget(RetryBudget{})
	for i := range 10 {
		require.True(t, b.spend(), "retry %d of the default 10", i+1)
	}
	assert.False(t, b.spend(), "spent")
	for range 9 {
		b.earn()
	}
	assert.False(t, b.spend(), "nine successes earn 0.9 of a retry")
	b.earn()
	assert.True(t, b.spend(), "the tenth earns a whole one")
	assert.False(t, b.spend())

	for range 1000 {
		b.earn()
	}
	assert.Equal(t, b.capacity, b.tokens.Load(), "successes fill the budget up to its size, no further")
}

func TestBudget_SizeAndRatioAreConfigurable(t *testing.T) {
	t.Parallel()
	b := newRetryBudget(RetryBudget{Retries: 2, PerSuccess: 0.5})
	assert.True(t, b.spend())
	assert.True(t, b.spend())
	assert.False(t, b.spend())
	b.earn()
	b.earn()
	assert.True(t, b.spend(), "two successes at 0.5 earn one retry")
	assert.Contains(t, b.reason, "holds 2 retries and earns back 0.5 of one per successful call")
}

func TestBudget_DisabledNeverWithholds(t *testing.T) {
	t.Parallel()
	b := newRetryBudget(RetryBudget{Disabled: true, Retries: 1})
	assert.Nil(t, b)
	for range 1000 {
		require.True(t, b.spend())
	}
	b.earn() // a nil budget earns nothing and does not panic
}

func TestBudget_ConcurrentUseNeverOverspends(t *testing.T) {
	t.Parallel()
	b := newRetryBudget(RetryBudget{Retries: 10, PerSuccess: 0.1})
	var spent, earned atomic.Int64
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				if (g+i)%3 == 0 {
					b.earn()
					earned.Add(1)
				} else if b.spend() {
					spent.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	// Each retry spent was in the bucket: the 10 it started with or one
	// of the tenths that successes earned.
	assert.LessOrEqual(t, spent.Load()*tokenScale, 10*tokenScale+earned.Load()*100)
	assert.GreaterOrEqual(t, b.tokens.Load(), int64(0))
	assert.LessOrEqual(t, b.tokens.Load(), b.capacity)
}

func TestBudget_Validation(t *testing.T) {
	t.Parallel()
	base := DefaultRetryPolicy()
	tests := []struct {
		name   string
		budget RetryBudget
		field  string
	}{
		{"negative size", RetryBudget{Retries: -1}, "RetryPolicy.Budget.Retries"},
		{"absurd size", RetryBudget{Retries: math.MaxInt}, "RetryPolicy.Budget.Retries"},
		{"negative ratio", RetryBudget{PerSuccess: -0.1}, "RetryPolicy.Budget.PerSuccess"},
		{"ratio above one", RetryBudget{PerSuccess: 1.5}, "RetryPolicy.Budget.PerSuccess"},
		{"ratio too small to count", RetryBudget{PerSuccess: 0.0001}, "RetryPolicy.Budget.PerSuccess"},
		{"NaN ratio", RetryBudget{PerSuccess: math.NaN()}, "RetryPolicy.Budget.PerSuccess"},
		{"infinite ratio", RetryBudget{PerSuccess: math.Inf(1)}, "RetryPolicy.Budget.PerSuccess"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := base
			p.Budget = tt.budget
			_, err := NewClient(testKey, testSecret, WithRetryPolicy(p))
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
	for _, ok := range []RetryBudget{{}, {Retries: 1, PerSuccess: 1}, {PerSuccess: 0.001}, {Disabled: true, Retries: -5}} {
		p := base
		p.Budget = ok
		_, err := NewClient(testKey, testSecret, WithRetryPolicy(p))
		assert.NoError(t, err, "%+v", ok)
	}
}

func TestBudget_OnByDefaultAndInEveryPolicyUnlessDisabled(t *testing.T) {
	t.Parallel()
	assert.Equal(t, RetryBudget{Retries: 10, PerSuccess: 0.1}, DefaultRetryPolicy().Budget)
	capacity := func(opts ...Option) int64 {
		c, err := NewClient(testKey, testSecret, opts...)
		require.NoError(t, err)
		if c.budget == nil {
			return -1
		}
		return c.budget.tokens.Load()
	}
	assert.EqualValues(t, 10*tokenScale, capacity(), "the client's default")
	assert.EqualValues(t, 10*tokenScale, capacity(WithRetryPolicy(RetryPolicy{MaxRetries: 2, MaxBackoff: time.Second})),
		"a policy written without a budget still gets the default one")
	assert.EqualValues(t, 10*tokenScale, capacity(WithMaxRetries(5)))
	assert.EqualValues(t, 3*tokenScale, capacity(WithRetryPolicy(RetryPolicy{MaxRetries: 2, Budget: RetryBudget{Retries: 3}})))
	assert.EqualValues(t, -1, capacity(WithRetryPolicy(RetryPolicy{MaxRetries: 2, Budget: RetryBudget{Disabled: true}})))
	assert.EqualValues(t, -1, capacity(WithRetryPolicy(RetryPolicy{MaxRetries: 2, Budget: RetryBudget{Disabled: true}}), WithMaxRetries(4)),
		"WithMaxRetries keeps the rest of the policy")
}

func TestBudget_WithheldRetryReturnsTheFailureAtOnce(t *testing.T) {
	t.Parallel()
	logger, logs := captureLogs()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond,
		Budget: RetryBudget{Retries: 1}}), WithLogger(logger))
	h, count := failing(1000, 503, "", okPage)
	f.dataview("GET", "/pipeline/exports", h)

	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	assert.EqualValues(t, 2, count.Load(), "the first attempt, the budget's one retry, then the next retry is withheld")
	require.ErrorIs(t, err, ErrRetryWithheld)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "the API's answer is still there")
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "mammoth: GET "+testDataviewPath+"/pipeline/exports: 503 try later (retry withheld: the client's retry budget is spent: "+
		"too many of its recent calls failed (the budget holds 1 retry and earns back 0.1 of one per successful call))", err.Error())
	assert.Len(t, f.waits(), 1, "no sleep before a withheld retry")

	hGet, getCount := failing(1000, 503, "", okPage)
	f.dataview("GET", "/pipeline/exports/8", hGet)
	_, err = f.client.Exports.GetExport(context.Background(), testRef, 8, nil)
	assert.ErrorIs(t, err, ErrRetryWithheld, "another route, the same budget")
	assert.EqualValues(t, 1, getCount.Load(), "a first attempt is never withheld")
	_, err = f.client.Exports.ListExports(context.Background(), testRef, nil)
	assert.ErrorIs(t, err, ErrRetryWithheld)
	assert.EqualValues(t, 3, count.Load())

	out := logs.String()
	assert.Contains(t, out, `msg="mammoth: retry withheld"`)
	assert.Contains(t, out, `reason="the client's retry budget is spent`)
	assert.NotContains(t, out, testSecret)
}

func TestBudget_WithheldTransportErrorIsStillATransportError(t *testing.T) {
	t.Parallel()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, Budget: RetryBudget{Retries: 1}}))
	var count atomic.Int64
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		hijackAndClose(w)
	})
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	assert.EqualValues(t, 2, count.Load())
	assert.ErrorIs(t, err, ErrRetryWithheld)
	var terr *TransportError
	require.ErrorAs(t, err, &terr)
	assert.Equal(t, http.MethodGet, terr.Method)
	var apiErr *APIError
	assert.False(t, errors.As(err, &apiErr))
}

func TestBudget_SuccessesBringRetriesBack(t *testing.T) {
	t.Parallel()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 1, Budget: RetryBudget{Retries: 1, PerSuccess: 0.5}}))
	var fail atomic.Bool
	var count atomic.Int64
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		if fail.Load() {
			writeJSON(w, 503, `{"detail":"down"}`)
			return
		}
		okPage(w, r)
	})
	list := func() error { _, err := f.client.Exports.ListExports(context.Background(), testRef, nil); return err }
	fail.Store(true)
	require.Error(t, list()) // 2 requests: spends the one retry
	require.ErrorIs(t, list(), ErrRetryWithheld)
	assert.EqualValues(t, 3, count.Load())

	fail.Store(false)
	require.NoError(t, list())
	require.NoError(t, list())
	fail.Store(true)
	err := list()
	assert.NotErrorIs(t, err, ErrRetryWithheld, "two successes at 0.5 earned a retry")
	assert.EqualValues(t, 7, count.Load())
}

func TestBudget_DisabledRetriesEveryCallUpToMaxRetries(t *testing.T) {
	t.Parallel()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, Budget: RetryBudget{Disabled: true}}))
	h, count := failing(1000, 503, "", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	for range 5 {
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrRetryWithheld)
	}
	assert.EqualValues(t, 20, count.Load())
}

func TestBudget_EachClientHasItsOwn(t *testing.T) {
	t.Parallel()
	policy := WithRetryPolicy(RetryPolicy{MaxRetries: 1, Budget: RetryBudget{Retries: 1}})
	f := setup(t, policy)
	h, count := failing(1000, 503, "", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NotErrorIs(t, err, ErrRetryWithheld)
	_, err = f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.ErrorIs(t, err, ErrRetryWithheld)

	other, err := NewClient(testKey, testSecret, WithBaseURL(f.server.URL+testBasePath), policy)
	require.NoError(t, err)
	other.sleepFn = f.client.sleepFn
	count.Store(0)
	_, err = other.Exports.ListExports(context.Background(), testRef, nil)
	assert.NotErrorIs(t, err, ErrRetryWithheld, "the same policy, a fresh budget")
	assert.EqualValues(t, 2, count.Load())
}

func TestBudget_DownloadHostsNeitherSpendNorEarn(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	other, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		writeJSON(w, 503, `{"detail":"object store busy"}`)
	})
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, Budget: RetryBudget{Retries: 1}}))
	r := &request{op: "Download", method: http.MethodGet, rawURL: other.URL + "/file.csv", idempotent: true}
	_, err := f.client.do(context.Background(), r, nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrRetryWithheld)
	assert.EqualValues(t, 4, hits.Load(), "the download host's failures are retried by the policy alone")
	assert.Equal(t, f.client.budget.capacity, f.client.budget.tokens.Load(), "and leave the API's budget alone")

	u, err := url.Parse(other.URL + "/file.csv")
	require.NoError(t, err)
	assert.False(t, f.client.toAPI(r, u))
}

func TestBudget_AndCooldownCostTheSuccessPathNoAllocation(t *testing.T) {
	c, err := NewClient(testKey, testSecret)
	require.NoError(t, err)
	r := &request{op: "ListExports", method: http.MethodGet, path: "/x"}
	u, err := url.Parse(c.baseURLString + r.path)
	require.NoError(t, err)
	ctx := context.Background()
	c.budget.tokens.Store(0) // not full: earning writes
	allocs := testing.AllocsPerRun(100, func() {
		if err := c.awaitCooldown(ctx, r, u, 1, nil); err != nil {
			t.Fatal(err)
		}
		c.earnRetry(r, u, nil)
		_ = c.noteCooldown(ctx, r, u, 1, nil, nil)
	})
	assert.Zero(t, allocs)
}
