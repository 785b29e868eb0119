# Reference values for reconciled prediction intervals
# (reconcile_interval.go), stored as testdata/r_reconcile_var.json. Base R
# only: P = S (S' W^-1 S)^-1 S' W^-1, the reconciled variances
# diag(P Sigma P') with Sigma = diag(base variances), the intervals
# mean -/+ qnorm(0.9, 0.975) * sd. Run by hand:
#   Rscript gen_reconcile_var.R > r_reconcile_var.json
suppressMessages(library(jsonlite))
# network 0 -> factories 1, 2 -> hubs 3, 4 (factory 1) and 5, 6, 7 (factory 2)
parent <- c(-1, 0, 0, 1, 1, 2, 2, 2)
S <- rbind(c(1,1,1,1,1), c(1,1,0,0,0), c(0,0,1,1,1), diag(5))
base <- cbind(c(103, 51, 49, 20, 33, 14, 17, 19), c(110, 55, 50, 22, 30, 15, 18, 21))
sd <- cbind(c(12, 6, 7, 3, 4, 2, 2.5, 3), c(15, 8, 9, 4, 5, 2.5, 3, 3.5))
out <- list(parent = parent, base = base, sd = sd)
for (m in c("ols", "wls-structural")) {
  W <- if (m == "ols") diag(8) else diag(rowSums(S))
  P <- S %*% solve(t(S) %*% solve(W) %*% S) %*% t(S) %*% solve(W)
  mean <- P %*% base
  v <- sapply(1:2, function(t) diag(P %*% diag(sd[, t]^2) %*% t(P)))
  out[[m]] <- list(mean = mean, sd = sqrt(v), lo80 = mean - qnorm(0.9) * sqrt(v), hi95 = mean + qnorm(0.975) * sqrt(v))
}
cat(toJSON(out, digits = NA))
