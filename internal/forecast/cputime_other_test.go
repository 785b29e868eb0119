//go:build !unix

package forecast

import "time"

// cpuTime is not measured here: BenchmarkHoldoutVersusR leaves its CPU
// columns empty.
func cpuTime() time.Duration { return 0 }
