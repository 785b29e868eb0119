# Reference values for the decomposition forecast (seasonal.go), stored as
# testdata/r_decomp.json. Run once by hand (Debian's r-cran-forecast),
# never at test time:
#   Rscript gen_decomp.R > r_decomp.json
# Per series: thetaf's seasonality test (forecast:::thetaf's own lines),
# and the forecast of ets() on the series minus decompose()'s additive
# seasonal figure, with the figure put back (R's stlf with a periodic
# season, decompose's figure in place of STL's).
suppressMessages({library(forecast); library(jsonlite)})
set.seed(13)
t <- 1:200
weekly <- ts(round(100 + 20 * sin(2 * pi * t / 52) + 15 * ((t - 1) %% 52 >= 46) + rnorm(200, 0, 6), 2), frequency = 52)
walk <- ts(round(100 + cumsum(rnorm(180, 0, 3)), 2), frequency = 52)
sets <- list(USAccDeaths = USAccDeaths, USAccDeaths30 = ts(USAccDeaths[1:30], frequency = 12), nottem = nottem, UKDriverDeaths = UKDriverDeaths,
             woolyrnq = woolyrnq, WWWusage = ts(as.numeric(WWWusage), frequency = 12),
             weekly = weekly, walk = walk)
comp <- function(f) {
  t <- f$components[2]; if (f$components[4] == "TRUE") t <- paste0(t, "d")
  paste0("ETS(", f$components[1], ",", t, ",", f$components[3], ")")
}
out <- list()
for (nm in names(sets)) {
  x <- sets[[nm]]; m <- frequency(x); n <- length(x); h <- if (m == 52) 13 else 2 * m
  # thetaf's test, as forecast::thetaf writes it
  r <- as.numeric(acf(x, lag.max = m, plot = FALSE)$acf)[-1]
  stat <- sqrt((1 + 2 * sum(r[-m]^2)) / n)
  seasonal <- (abs(r[m]) / stat > qnorm(0.95))
  s <- as.numeric(decompose(x)$seasonal)
  ya <- as.numeric(x) - s
  f <- ets(ya)
  fc <- forecast(f, h = h, level = c(80, 95))
  fut <- sapply(seq_len(h), function(i) { k <- n + i; while (k > n) k <- k - m; s[k] })
  out[[nm]] <- list(y = as.numeric(x), m = m, h = h, seasonal = seasonal, model = comp(f),
                    mean = as.numeric(fc$mean) + fut,
                    lo80 = as.numeric(fc$lower[, 1]) + fut, hi80 = as.numeric(fc$upper[, 1]) + fut,
                    lo95 = as.numeric(fc$lower[, 2]) + fut, hi95 = as.numeric(fc$upper[, 2]) + fut)
}
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
