//go:build cpuprofile

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"
)

// A measuring build only (go build -tags cpuprofile): with
// PASSERELLE_BENCH_CPUPROFILE=FILE the process writes a CPU profile of its
// first PASSERELLE_BENCH_CPUPROFILE_SECONDS seconds (default 30) to FILE,
// and with PASSERELLE_BENCH_ALLOCPROFILE=FILE an allocation profile of the
// same seconds (sampled every 4 KiB, or every PASSERELLE_BENCH_ALLOCRATE
// bytes: 1 records every allocation, for exact counts) to that FILE.
// The product's builds have no profiler and no pprof route.
func init() {
	file := os.Getenv("PASSERELLE_BENCH_CPUPROFILE")
	if file == "" {
		return
	}
	secs, err := strconv.Atoi(os.Getenv("PASSERELLE_BENCH_CPUPROFILE_SECONDS"))
	if err != nil || secs <= 0 {
		secs = 30
	}
	f, err := os.Create(file)
	if err != nil {
		panic("error creating the CPU profile: " + err.Error())
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic("error starting the CPU profile: " + err.Error())
	}
	allocs := os.Getenv("PASSERELLE_BENCH_ALLOCPROFILE")
	if allocs != "" {
		runtime.MemProfileRate = 4096
		if n, err := strconv.Atoi(os.Getenv("PASSERELLE_BENCH_ALLOCRATE")); err == nil && n > 0 {
			runtime.MemProfileRate = n
		}
	}
	time.AfterFunc(time.Duration(secs)*time.Second, func() {
		pprof.StopCPUProfile()
		_ = f.Close()
		if allocs == "" {
			return
		}
		a, err := os.Create(allocs)
		if err != nil {
			panic("error creating the allocation profile: " + err.Error())
		}
		_ = pprof.Lookup("allocs").WriteTo(a, 0)
		_ = a.Close()
	})
}
