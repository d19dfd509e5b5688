package mammoth

import (
	"errors"
	"iter"
	"net/http"
	"reflect"
	"strconv"
)

// offsetPage is one page of a list the API pages by limit and offset.
type offsetPage[T any] struct {
	items         []T
	offset, limit *int // as the answer states them, if it does
}

// walkOffsets yields every item of a list paged by offset, from offset on
// in pages of limit (nil: the API's default), fetching a page only as the
// loop reaches it. The walk ends on an empty page or one shorter than its
// size (the smaller of limit and the page's own), and on a server that
// ignores the offset ([checkPage]). A failure is yielded once, with a zero
// item; a limit of 0 yields zeroLimit.
func walkOffsets[T any](op string, offset int, limitOpt *int, zeroLimit *ValidationError, fetch func(offset, limit int) (offsetPage[T], error)) iter.Seq2[T, error] {
	limit := defaultPageSize
	if limitOpt != nil {
		limit = *limitOpt
	}
	return func(yield func(T, error) bool) {
		var zero T
		if limit == 0 {
			yield(zero, zeroLimit)
			return
		}
		var prev []T
		for {
			page, err := fetch(offset, limit)
			if err == nil {
				err = checkPage(op, page.offset, offset, page.items, prev)
			}
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range page.items {
				if !yield(it, nil) {
					return
				}
			}
			// The server may cap the page below what was asked; a page
			// shorter than the effective size is the last.
			size := limit
			if page.limit != nil && *page.limit > 0 && *page.limit < size {
				size = *page.limit
			}
			if len(page.items) == 0 || len(page.items) < size {
				return
			}
			offset += len(page.items)
			prev = page.items
		}
	}
}

// checkPage catches a server that ignores the offset: a page that says it
// starts elsewhere than asked, or that repeats the page before it item for
// item. (A page that merely overlaps the one before, as when an export
// moved between the two requests, is not an error.)
func checkPage[T any](op string, pageOffset *int, offset int, items, prev []T) error {
	fail := func(msg string) error {
		return &DecodeError{Operation: op, StatusCode: http.StatusOK, Err: errors.New(msg)}
	}
	if pageOffset != nil && *pageOffset != offset {
		return fail("asked for the page at offset " + strconv.Itoa(offset) + ", got the one at " + strconv.Itoa(*pageOffset))
	}
	if len(prev) > 0 && len(items) == len(prev) && reflect.DeepEqual(items, prev) {
		return fail("the page at offset " + strconv.Itoa(offset) + " repeats the page before it: the server ignores the offset")
	}
	return nil
}
