package planner

// NetChanges is how many of p's plans were made by net change against a
// factory's last full plan.
func NetChanges(p *Planner) int64 { return p.nets.Load() }
