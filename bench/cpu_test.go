package bench

import (
	"syscall"
	"testing"
	"time"
)

// cpuMeter measures the CPU time the whole process (client and loopback
// server alike) spends per operation. Unlike ns/op it hardly moves when
// other programs compete for the machine's cores, so it tells small
// differences apart on a busy machine.
type cpuMeter struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuMeter { return cpuMeter{start: processCPU()} }

// report adds the cpu-ns/op metric over b.N operations.
func (m cpuMeter) report(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-m.start)/float64(b.N), "cpu-ns/op")
	}
}
