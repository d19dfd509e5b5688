package mammoth

import (
	"strconv"
	"strings"
)

// workspaceIDFromEnv reads MAMMOTH_WORKSPACE_ID: a positive decimal
// integer, surrounding spaces allowed (as $(cat file) leaves a newline).
func workspaceIDFromEnv(v string) (int, error) {
	id, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || id <= 0 {
		return 0, &ValidationError{Field: "MAMMOTH_WORKSPACE_ID", Reason: "must be a positive integer, not " + strconv.Quote(v)}
	}
	return id, nil
}
