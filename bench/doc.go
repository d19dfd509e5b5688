// Package bench measures the SDK against the same work done by hand with
// net/http and encoding/json, side by side on a loopback server.
//
// Every benchmark comes in pairs named impl=sdk and impl=baseline (or
// impl=collect for the paging walk), so that benchstat can put them in
// columns:
//
//	go test -run '^$' -bench . -count 6 ./bench > new.txt
//	benchstat -col /impl new.txt
//
// The script bench/run does that and prints the SDK/baseline ratios.
package bench
