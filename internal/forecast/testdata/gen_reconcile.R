# Reference values for forecast reconciliation (reconcile.go), stored as
# testdata/r_reconcile.json. Base R only: shrink.estim and lowerD are
# copied from R's hts package (MinT, covariance = "shr"); the reconciled
# forecasts are S (S' W^-1 S)^-1 S' W^-1 yhat. Run by hand:
#   Rscript gen_reconcile.R > r_reconcile.json
suppressMessages(library(jsonlite))
lowerD <- function(x) { n <- nrow(x); diag(apply(x, 2, crossprod) / n) }
shrink.estim <- function(x, tar) {
  p <- ncol(x); n <- nrow(x)
  covm <- crossprod(x) / n
  corm <- cov2cor(covm)
  xs <- scale(x, center = FALSE, scale = sqrt(diag(covm)))
  v <- (1/(n * (n - 1))) * (crossprod(xs^2) - 1/n * (crossprod(xs))^2)
  diag(v) <- 0
  corapn <- cov2cor(tar)
  d <- (corm - corapn)^2
  lambda <- sum(v)/sum(d)
  lambda <- max(min(lambda, 1), 0)
  list(cov = lambda * tar + (1 - lambda) * covm, lambda = lambda)
}
# network 0 -> factories 1, 2 -> hubs 3, 4 (factory 1) and 5, 6, 7 (factory 2)
parent <- c(-1, 0, 0, 1, 1, 2, 2, 2)
S <- rbind(c(1,1,1,1,1), c(1,1,0,0,0), c(0,0,1,1,1), diag(5))
set.seed(13)
Tn <- 40
eb <- matrix(rnorm(Tn * 5, sd = c(1, 2, 1.5, 3, 1)), Tn, 5, byrow = TRUE)
eb[, 2] <- eb[, 2] + 0.6 * eb[, 1]
res <- t(S %*% t(eb)) + matrix(rnorm(Tn * 8, sd = 0.5), Tn, 8)
base <- cbind(c(103, 51, 49, 20, 33, 14, 17, 19), c(110, 55, 50, 22, 30, 15, 18, 21))
rec <- function(W) S %*% solve(t(S) %*% solve(W) %*% S) %*% t(S) %*% solve(W) %*% base
sh <- shrink.estim(res, lowerD(res))
out <- list(parent = parent, resid = t(res), base = base,
            ols = rec(diag(8)), wls_structural = rec(diag(rowSums(S))),
            wls_variance = rec(lowerD(res)), mint_shrink = rec(sh$cov), lambda = sh$lambda)
cat(toJSON(out, digits = NA, matrix = "rowmajor"))
