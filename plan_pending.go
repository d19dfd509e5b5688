package mammoth

import "errors"

// Until the conditions land on this branch.

func ParseCondition(text string) (Condition, error) { return nil, errors.New("not yet") }
