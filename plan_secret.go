package mammoth

import "strings"

// isSecretKey reports whether a target_properties key holds a secret.
func isSecretKey(k string) bool { return secretKeys[strings.ToLower(k)] }
