package mammothtest

import (
	"math/rand/v2"
	"net/http"
)

// RandomFaults makes a share of the requests fail, chosen at random but
// reproducibly: the same seed and the same sequence of requests give the
// same faults. Install it with [Server.InjectRandomFaults].
type RandomFaults struct {
	// Seed seeds the choice of requests and of faults.
	Seed uint64
	// Rate is the share of matching requests that fault, from 0 to 1.
	Rate float64
	// Faults are the faults to choose from, one at random for each
	// request that faults, among those whose Method, Route and PathSuffix
	// match it (none matching: the request is served normally). Count is
	// ignored.
	Faults []Fault
}

// randomFaults is the installed RandomFaults with its generator.
type randomFaults struct {
	RandomFaults
	rng *rand.Rand
}

// InjectRandomFaults makes requests fail at random as rf says, after the
// faults of [Server.InjectFault] (which apply first) until
// [Server.ClearFaults]. A later call replaces an earlier one.
func (s *Server) InjectRandomFaults(rf RandomFaults) {
	rf.Faults = append([]Fault(nil), rf.Faults...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.random = &randomFaults{RandomFaults: rf, rng: rand.New(rand.NewPCG(rf.Seed, rf.Seed^0x9e3779b97f4a7c15))}
}

// takeRandomFaultLocked picks the random fault for a request, or nil.
func (s *Server) takeRandomFaultLocked(route Route, r *http.Request) *Fault {
	rf := s.random
	if rf == nil || rf.rng.Float64() >= rf.Rate {
		return nil
	}
	var fits []Fault
	for _, f := range rf.Faults {
		if f.matches(route, r) {
			fits = append(fits, f)
		}
	}
	if len(fits) == 0 {
		return nil
	}
	f := fits[rf.rng.IntN(len(fits))]
	return &f
}
