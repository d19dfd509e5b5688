package mammoth

import "fmt"

// DataviewsService finds workspaces, projects, datasets and dataviews, and
// reads a dataview's columns. Get it from [Client].Dataviews.
type DataviewsService service

// Format prints the service without its client's credentials.
func (s *DataviewsService) Format(f fmt.State, verb rune) { fmt.Fprint(f, "mammoth.DataviewsService") }
