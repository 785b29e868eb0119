package pool

// SetCloseBudget lowers the budget of one block's closes (at most pools
// pools, payers payer accounts) and the payer accounts one pool takes
// (perPool) for a test, and returns what restores them.
func SetCloseBudget(pools int, payers, perPool int64) (restore func()) {
	old := closeBudget
	closeBudget.pools, closeBudget.payers, closeBudget.perPool = pools, payers, perPool
	return func() { closeBudget = old }
}

// SetCollectBudget lowers the keys one block deletes of failed pools'
// batch records for a test, and returns what restores it.
func SetCollectBudget(n int) (restore func()) {
	old := collectBudget
	collectBudget = n
	return func() { collectBudget = old }
}
