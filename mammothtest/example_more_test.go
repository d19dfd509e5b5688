package mammothtest_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// Random faults, the same ones on every run of the same seed: a test of
// code that must cope with any of them.
func ExampleServer_InjectRandomFaults() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	srv.InjectRandomFaults(mammothtest.RandomFaults{Seed: 7, Rate: 0.5, Faults: []mammothtest.Fault{
		{Route: mammothtest.RouteListExports, Status: http.StatusServiceUnavailable},
	}})
	client := srv.Client(mammoth.WithMaxRetries(0))
	failed := 0
	for range 20 {
		if _, err := client.Exports.ListExports(context.Background(), exampleRef, nil); err != nil {
			failed++
		}
	}
	fmt.Println(failed > 0 && failed < 20, srv.RequestCount(mammothtest.RouteListExports))
	// Output:
	// true 20
}

// A fake at an address of the caller's choosing, for other processes.
func ExampleWithListener() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := mammothtest.NewServer(mammothtest.WithListener(l))
	defer srv.Close()
	fmt.Println(srv.URL() == "http://"+l.Addr().String()+"/api/v2")
	// Output:
	// true
}
