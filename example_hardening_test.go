package mammoth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// A download whose data arrived but whose temporary export could not be
// removed returns a *CleanupError: keep the data, and remove the export
// later by its id.
func ExampleCleanupError() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	srv.SetCSV(ref, []byte("region,sales\nwest,10\n"))
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Status: 403, Count: -1})

	var csv bytes.Buffer
	_, err := client.Exports.DownloadCSV(context.Background(), ref, &csv, &mammoth.DownloadCSVOptions{Wait: quickWait})
	var cleanup *mammoth.CleanupError
	if errors.As(err, &cleanup) && cleanup.Complete {
		fmt.Print(csv.String())
		fmt.Println("left behind: export", cleanup.ExportID, "of dataview", cleanup.Ref.DataviewID)
	}
	// Output:
	// region,sales
	// west,10
	// left behind: export 101 of dataview 2311
}
