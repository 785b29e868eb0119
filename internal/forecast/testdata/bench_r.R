# The R side of scripts/bench-forecast-r.sh: exports the benchmark's series
# and R's forecast::ets forecasts of their holdouts, timed per series.
#   Rscript bench_r.R OUTDIR [superstore.csv]
# Writes OUTDIR/series.csv (set,series,m,h,t,value: the whole series, the
# last h values held out) and OUTDIR/r_forecast.csv (set,series,model,ms,
# step,mean,lo80,hi80,lo95,hi95: ets() fitted to all but the last h values,
# then forecast(h, level = c(80, 95)); ms is the time of ets + forecast per
# series, the mean of repeats until 0.3 s have passed).
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
out <- args[1]
horizon <- function(m, n) {
  h <- switch(as.character(m), "1" = 10, "4" = 8, "12" = 18, "52" = 13, 10)
  min(h, floor(n / 4))
}
rows <- list(); add <- function(set, name, y, m, h) {
  rows[[length(rows) + 1]] <<- list(set = set, series = name, y = as.numeric(y), m = m, h = h)
}

# R's data sets: every univariate, complete ts of datasets and forecast with
# season 1, 4 or 12 and 24 to 500 values, and Seatbelts' series.
for (pkg in c("datasets", "forecast")) {
  for (nm in ls(paste0("package:", pkg))) {
    x <- get(nm, envir = asNamespace(pkg))
    if (!is.ts(x) || !is.null(dim(x)) || anyNA(x)) next
    m <- frequency(x); n <- length(x)
    if (!(m %in% c(1, 4, 12)) || n < 24 || n > 500) next
    add("R datasets", nm, x, m, horizon(m, n))
  }
}
for (col in setdiff(colnames(Seatbelts), "law")) {
  add("R datasets", paste0("Seatbelts.", col), Seatbelts[, col], 12, horizon(12, nrow(Seatbelts)))
}

# Retail demand: the Superstore order lines, weekly (Monday to Sunday) units
# per sub-category and region, weekly sales (money) per sub-category, and
# monthly units per sub-category and region.
if (length(args) >= 2) {
  d <- read.csv(args[2], check.names = FALSE)
  day <- as.Date(d[["Order Date"]])
  wk <- as.integer(floor(as.numeric(day - as.Date("2013-12-30")) / 7))
  mo <- (as.integer(format(day, "%Y")) - 2014) * 12 + as.integer(format(day, "%m")) - 1
  W <- max(wk) + 1; M <- max(mo) + 1
  cell <- paste(d[["Sub-Category"]], d[["Region"]], sep = "/")
  for (k in sort(unique(cell))) {
    i <- cell == k
    s <- tapply(d$Quantity[i], factor(wk[i], levels = 0:(W - 1)), sum); s[is.na(s)] <- 0
    add("Superstore weekly units", k, s, 52, 13)
    s <- tapply(d$Quantity[i], factor(mo[i], levels = 0:(M - 1)), sum); s[is.na(s)] <- 0
    add("Superstore monthly units", k, s, 12, 12)
  }
  for (k in sort(unique(d[["Sub-Category"]]))) {
    i <- d[["Sub-Category"]] == k
    s <- tapply(d$Sales[i], factor(wk[i], levels = 0:(W - 1)), sum); s[is.na(s)] <- 0
    add("Superstore weekly sales", k, round(s, 2), 52, 13)
  }
}

ser <- do.call(rbind, lapply(rows, function(r) data.frame(set = r$set, series = r$series, m = r$m, h = r$h,
  t = seq_along(r$y), value = r$y)))
write.csv(ser, file.path(out, "series.csv"), row.names = FALSE)

fc <- list()
for (r in rows) {
  n <- length(r$y)
  y <- ts(r$y[1:(n - r$h)], frequency = r$m)
  run <- function() forecast(suppressWarnings(ets(y)), h = r$h, level = c(80, 95))
  f <- run()
  reps <- 1; t0 <- proc.time()[["elapsed"]]; el <- 0
  repeat { invisible(run()); el <- proc.time()[["elapsed"]] - t0; if (el > 0.3 || reps >= 20) break; reps <- reps + 1 }
  fc[[length(fc) + 1]] <- data.frame(set = r$set, series = r$series, model = f$method, ms = 1000 * el / reps,
    step = seq_len(r$h), mean = as.numeric(f$mean), lo80 = as.numeric(f$lower[, 1]), hi80 = as.numeric(f$upper[, 1]),
    lo95 = as.numeric(f$lower[, 2]), hi95 = as.numeric(f$upper[, 2]))
}
write.csv(do.call(rbind, fc), file.path(out, "r_forecast.csv"), row.names = FALSE)
cat(sprintf("R forecast %s: %d series, load %s\n", packageVersion("forecast"), length(rows), readLines("/proc/loadavg")))
