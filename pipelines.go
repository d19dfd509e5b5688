package mammoth

import "fmt"

// PipelinesService works with a dataview's pipeline as a whole: its state,
// runs, draft mode and commands on several exports at once. Get it from
// [Client].Pipelines.
type PipelinesService service

// Format prints the service without its client's credentials.
func (s *PipelinesService) Format(f fmt.State, verb rune) { fmt.Fprint(f, "mammoth.PipelinesService") }
