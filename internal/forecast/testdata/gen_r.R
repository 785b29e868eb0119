# Reference values from R's forecast::ets, stored as testdata/r_ets.json.
# Run once by hand (Debian's r-cran-forecast), never at test time:
#   Rscript gen_r.R > r_ets.json
suppressMessages({library(forecast); library(jsonlite)})
sets <- list(AirPassengers = AirPassengers, USAccDeaths = USAccDeaths,
             UKDriverDeaths = UKDriverDeaths, woolyrnq = woolyrnq, wineind = wineind,
             Nile = Nile, WWWusage = WWWusage, gas = gas, lynx = lynx)
comp <- function(f) {
  t <- f$components[2]; if (f$components[4] == "TRUE") t <- paste0(t, "d")
  paste0("ETS(", f$components[1], ",", t, ",", f$components[3], ")")
}
one <- function(f, h) {
  p <- f$par
  fc <- forecast(f, h = h, level = c(80, 95))
  list(model = comp(f), alpha = unname(p["alpha"]), beta = unname(p["beta"]),
       gamma = unname(p["gamma"]), phi = unname(p["phi"]),
       init = I(unname(f$initstate)), aic = f$aic, aicc = f$aicc, loglik = f$loglik,
       sigma2 = f$sigma2,
       mean = as.numeric(fc$mean), lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
       lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]))
}
out <- list()
for (nm in names(sets)) {
  y <- sets[[nm]]; m <- frequency(y); h <- if (m > 1) 2 * m else 10
  best <- ets(y)
  models <- list()
  for (mod in c("ANN", "AAN", "MNN", "MAN", "ANA", "AAA", "MNA", "MAA", "MNM", "MAM")) {
    for (d in c(FALSE, TRUE)) {
      if (d && substr(mod, 2, 2) == "N") next
      if (m == 1 && substr(mod, 3, 3) != "N") next
      f <- tryCatch(ets(y, model = mod, damped = d), error = function(e) NULL)
      if (!is.null(f)) models[[length(models) + 1]] <- one(f, h)
    }
  }
  out[[nm]] <- list(y = as.numeric(y), m = m, h = h, best = one(best, h), models = models)
}
cat(toJSON(out, digits = NA, auto_unbox = TRUE, null = "null", na = "null"))
