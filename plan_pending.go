package mammoth

import (
	"context"
	"errors"
)

// Until the pipeline service lands on this branch.

func (s *PipelinesService) WaitForPipeline(ctx context.Context, ref DataviewRef, opts *WaitOptions) (*struct{}, error) {
	return nil, errors.New("not yet")
}

func (s *PipelinesService) InDraft(ctx context.Context, ref DataviewRef, fn func(ctx context.Context) error, opts *WaitOptions) error {
	return errors.New("not yet")
}

func ParseCondition(text string) (Condition, error) { return nil, errors.New("not yet") }
