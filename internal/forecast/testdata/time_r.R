# R's ets() time per series on the reference sets, stored as r_time.json.
# Run by hand (never at test time), on an otherwise idle core if possible:
#   Rscript time_r.R > r_time.json
suppressMessages({library(forecast); library(jsonlite)})
sets <- list(AirPassengers = AirPassengers, USAccDeaths = USAccDeaths,
             UKDriverDeaths = UKDriverDeaths, woolyrnq = woolyrnq, wineind = wineind,
             Nile = Nile, WWWusage = WWWusage, gas = gas, lynx = lynx)
out <- list()
for (nm in names(sets)) {
  y <- sets[[nm]]
  invisible(ets(y))
  reps <- 0; t0 <- proc.time()[["elapsed"]]
  repeat { invisible(ets(y)); reps <- reps + 1; el <- proc.time()[["elapsed"]] - t0; if (el > 2 || reps >= 200) break }
  out[[nm]] <- list(ms = 1000 * el / reps, reps = reps)
}
out[["_load"]] <- readLines("/proc/loadavg")
out[["_version"]] <- as.character(packageVersion("forecast"))
cat(toJSON(out, digits = NA, auto_unbox = TRUE))
