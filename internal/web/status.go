package web

import (
	"fmt"
)

// statusWords are the words pages show for the vocabulary's raw values
// (statuses, kinds, roles), one place for all of them: "in_production" is
// "in production" in English and "生产中" in Chinese (messages_zh.go). A value
// missing here is shown with its underscores as spaces.
var statusWords = map[string]string{
	// Pools (gongxu.PoolStatus), production orders, purchase orders, work
	// orders, requests for quote and proposals share the words they share.
	"open":             "open",
	"succeeded":        "succeeded",
	"failed":           "failed",
	"in_production":    "in production",
	"ready":            "ready",
	"delivered":        "delivered",
	"settled":          "settled",
	"cancelled":        "cancelled",
	"in_progress":      "in progress",
	"completed":        "completed",
	"sent":             "sent",
	"accepted":         "accepted",
	"rejected":         "rejected",
	"changes_proposed": "changes proposed",
	"shipped":          "shipped",
	"received":         "received",
	"started":          "started",
	"awarded":          "awarded",
	"expired":          "expired",
	"passed":           "passed",
	// Steps of a purchase order's negotiation (gongxu.PONegotiation.Action).
	"accept":        "accept",
	"reject":        "reject",
	"propose":       "propose",
	"decide_accept": "decide accept",
	"decide_reject": "decide reject",
	"cancel":        "cancel",
	"change":        "change proposed",
	"change_accept": "change accepted",
	"change_reject": "change rejected",
	"change_lapse":  "change lapsed",
	// Disputes: statuses (gongxu.DisputeStatus; open as above), outcomes
	// (gongxu.DisputeOutcome; settled as above) and kinds
	// (gongxu.DisputeKind; late as a purchase order's).
	"panel":            "before a panel",
	"resolved":         "resolved",
	"default":          "default split",
	"withdrawn":        "withdrawn",
	"short":            "short",
	"late":             "late",
	"damaged":          "damaged",
	"not_as_described": "not as described",
	// Proposal kinds (gongxu.ProposalKind).
	"admit_org":             "admit an organization",
	"remove_org":            "remove an organization",
	"add_validator":         "add a validator",
	"remove_validator":      "remove a validator",
	"set_param":             "change a parameter",
	"assign_gs1_prefixes":   "assign GS1 prefixes",
	"unassign_gs1_prefixes": "take back GS1 prefixes",
	// Roles (gongxu.Role).
	"factory":   "factory",
	"supplier":  "supplier",
	"hub":       "hub",
	"logistics": "logistics",
	"validator": "validator",
}

// statusLabel writes a raw value in English words: "changes_proposed" →
// "changes proposed" (statusWords).
func statusLabel(v any) string {
	return newLocale(langEN, nil, nil).label(v)
}

// pluralIn is n of unit in l's words ("3 steps", "3 个步骤"); n is an int or
// an int64.
func pluralIn(l *locale, n any, unit string) string {
	switch v := n.(type) {
	case int:
		return l.count(int64(v), unit)
	case int64:
		return l.count(v, unit)
	}
	return fmt.Sprint(n) + " " + unit + "s"
}
