# Reference values from R for tests/reference/test_r_reference.py.
#
# Run from the repository root:  Rscript tests/reference/make_reference.R
# R 4.2.2 (Debian bookworm) with r-cran-sandwich 3.0-2, r-cran-lmtest 0.9-40,
# r-cran-estimatr 1.0.0, r-cran-effectsize 0.8.3. The inputs are simulated here (set.seed) and
# written beside the results with 17 significant digits, so Python reads the same doubles.
suppressPackageStartupMessages({
  library(sandwich); library(lmtest); library(estimatr); library(effectsize)
})
out <- "tests/reference"
num <- function(x) ifelse(is.na(x), NA, sprintf("%.17g", x))
write_ref <- function(df, name) {
  df[] <- lapply(df, function(col) if (is.numeric(col)) num(col) else col)
  write.csv(df, file.path(out, name), row.names = FALSE, na = "")
}
tidy_vcov <- function(model, V, label, df) {
  b <- coef(model)
  se <- sqrt(diag(V))[names(b)]
  t <- b / se
  data.frame(term = names(b), vcov = label, estimate = unname(b), std_error = unname(se),
             statistic = unname(t), p_value = unname(2 * pt(abs(t), df, lower.tail = FALSE)))
}

## 1. OLS: classical, HC0-HC3 (sandwich::vcovHC), CR1 (vcovCL type HC1 = G/(G-1)(n-1)/(n-k))
set.seed(20200714)
n <- 60
ols_data <- data.frame(x1 = rnorm(n), x2 = runif(n), f = sample(c("a", "b", "c"), n, TRUE),
                       g = sample(1:12, n, TRUE))
ols_data$y <- 1 + 0.5 * ols_data$x1 - 0.3 * ols_data$x2 + (ols_data$f == "b") * 0.4 +
  rnorm(n) * (0.5 + ols_data$x2)
write_ref(ols_data, "ols_data.csv")
m <- lm(y ~ x1 + x2 + f, data = ols_data)
k <- length(coef(m)); G <- length(unique(ols_data$g))
res <- rbind(
  tidy_vcov(m, vcov(m), "classical", n - k),
  do.call(rbind, lapply(c("HC0", "HC1", "HC2", "HC3"), function(tp)
    tidy_vcov(m, vcovHC(m, type = tp), tp, n - k))),
  tidy_vcov(m, vcovCL(m, cluster = ~g, type = "HC1", cadjust = TRUE), "cluster", G - 1)
)
write_ref(res, "ols_reference.csv")

## 2. Edges: a factor level observed once (leverage one) and a near-collinear column
set.seed(3)
lev_data <- data.frame(y = rnorm(13), g = c(rep("a", 6), rep("b", 6), "c"), x = rnorm(13))
write_ref(lev_data, "leverage_data.csv")
m <- lm(y ~ g + x, data = lev_data)
edges <- rbind(
  tidy_vcov(m, suppressWarnings(vcovHC(m, type = "HC2")), "HC2", 13 - 4),
  tidy_vcov(m, suppressWarnings(vcovHC(m, type = "HC3")), "HC3", 13 - 4),
  tidy_vcov(m, vcovHC(m, type = "HC1"), "HC1", 13 - 4)
)
edges$case <- "leverage_one"
set.seed(7)
alias_data <- data.frame(x = rnorm(40), z = rnorm(40))
alias_data$x_noisy <- alias_data$x + 1e-9 * rnorm(40)
alias_data$y <- 1 + 0.5 * alias_data$x + rnorm(40)
write_ref(alias_data, "alias_data.csv")
m <- lm(y ~ x + x_noisy + z, data = alias_data)   # x_noisy: NA (aliased, tol 1e-7)
b <- coef(m); V <- vcov(m)                          # vcov(): NA row for the aliased term
al <- data.frame(term = names(b), vcov = "classical", estimate = unname(b),
                 std_error = unname(sqrt(diag(V))[names(b)]))
al$statistic <- al$estimate / al$std_error
al$p_value <- 2 * pt(abs(al$statistic), df.residual(m), lower.tail = FALSE)
al$case <- "aliased"
write_ref(rbind(edges, al), "edges_reference.csv")

## 3. 2x2 DiD, CR1 by unit and by site (estimatr::lm_robust se_type = "stata", df = G - 1)
set.seed(20201)
units <- 50
did_data <- data.frame(unit = rep(1:units, each = 2), post = rep(0:1, units))
did_data$treated <- as.integer(did_data$unit %% 2 == 1)
did_data$site <- (did_data$unit - 1) %% 10
u <- rnorm(units)[did_data$unit]
did_data$y <- 0.5 + 0.2 * did_data$treated + 0.1 * did_data$post +
  0.3 * did_data$treated * did_data$post + u + rnorm(2 * units)
write_ref(did_data, "did_data.csv")
did <- NULL
for (cl in c("unit", "site")) {
  fit <- lm_robust(y ~ treated * post, data = did_data, clusters = did_data[[cl]],
                   se_type = "stata")
  did <- rbind(did, data.frame(term = names(coef(fit)), cluster = cl,
                               estimate = unname(coef(fit)), std_error = unname(fit$std.error),
                               statistic = unname(fit$statistic), p_value = unname(fit$p.value),
                               conf_low = unname(fit$conf.low), conf_high = unname(fit$conf.high),
                               df = unname(fit$df)))
}
write_ref(did, "did_reference.csv")

## 4. Effect sizes. effectsize 0.8.3: cohens_d (pooled SD) and hedges_g (exact J via gamma
## functions; the CI is noncentral-t). The pipeline follows effsize::cohen.d (not on Debian):
## its closed forms are written out below from the CRAN source (J = 1 - 3/(4(n1+n2)-9),
## CI d +/- t(n1+n2-2) sqrt((n1+n2)/(n1 n2) + d^2/(2(n1+n2))), times J for g).
set.seed(2020)
es_data <- data.frame(group = c(rep("treated", 23), rep("control", 31)))
es_data$value <- c(rnorm(23, 0.4), rnorm(31, 0))
write_ref(es_data, "effect_size_data.csv")
x1 <- es_data$value[es_data$group == "treated"]; x2 <- es_data$value[es_data$group == "control"]
n1 <- length(x1); n2 <- length(x2)
d <- cohens_d(x1, x2, pooled_sd = TRUE, ci = 0.95)
g <- hedges_g(x1, x2, pooled_sd = TRUE, ci = 0.95)
sp <- sqrt(((n1 - 1) * var(x1) + (n2 - 1) * var(x2)) / (n1 + n2 - 2))
d_hand <- (mean(x1) - mean(x2)) / sp
J <- 1 - 3 / (4 * (n1 + n2) - 9)
S <- function(e) sqrt((n1 + n2) / (n1 * n2) + e^2 / (2 * (n1 + n2)))
q <- qt(0.975, n1 + n2 - 2)
es <- data.frame(
  quantity = c("cohen_d_effectsize", "hedges_g_effectsize", "cohen_d_ci_low_effectsize",
               "cohen_d_ci_high_effectsize", "cohen_d_effsize", "hedges_g_effsize",
               "cohen_d_lower_effsize", "cohen_d_upper_effsize", "hedges_g_lower_effsize",
               "hedges_g_upper_effsize"),
  value = c(d$Cohens_d, g$Hedges_g, d$CI_low, d$CI_high, d_hand, J * d_hand,
            d_hand - q * S(d_hand), d_hand + q * S(d_hand),
            J * d_hand - q * S(J * d_hand) * J, J * d_hand + q * S(J * d_hand) * J))
write_ref(es, "effect_size_reference.csv")

## 5. Wilcoxon signed-rank, paired: wilcox.test(after, before, paired = TRUE). R drops zero
## differences before ranking (scipy zero_method = "wilcox"); with ties it uses the normal
## approximation with the tie-corrected variance; correct = TRUE/FALSE is the continuity
## correction. exact = TRUE only for the tie- and zero-free sample.
set.seed(17)
wx <- data.frame(before = sample(1:5, 80, TRUE))
wx$after <- pmin(5, pmax(1, wx$before + sample(-1:2, 80, TRUE)))
write_ref(wx, "wilcoxon_data.csv")
wx_free <- data.frame(before = rnorm(15))
wx_free$after <- wx_free$before + rnorm(15, 0.4)
write_ref(wx_free, "wilcoxon_exact_data.csv")
w <- function(data, exact, correct, label) {
  r <- suppressWarnings(wilcox.test(data$after, data$before, paired = TRUE, exact = exact,
                                    correct = correct))
  data.frame(case = label, V = unname(r$statistic), p_value = r$p.value)
}
write_ref(rbind(w(wx, FALSE, FALSE, "ties_normal_nocorrect"),
                w(wx, FALSE, TRUE, "ties_normal_correct"),
                w(wx_free, TRUE, FALSE, "exact")), "wilcoxon_reference.csv")

## 6. McNemar: mcnemar.test with and without continuity correction; exact = binom.test
tab <- matrix(c(30, 12, 25, 33), 2, 2, dimnames = list(before = 0:1, after = 0:1))
# rows before, columns after: n_00 = 30, n_10 = 12, n_01 = 25, n_11 = 33
mc <- rbind(
  data.frame(case = "chi2_correct", statistic = unname(mcnemar.test(tab, correct = TRUE)$statistic),
             p_value = mcnemar.test(tab, correct = TRUE)$p.value),
  data.frame(case = "chi2_uncorrected",
             statistic = unname(mcnemar.test(tab, correct = FALSE)$statistic),
             p_value = mcnemar.test(tab, correct = FALSE)$p.value),
  data.frame(case = "exact", statistic = 12, p_value = binom.test(12, 37)$p.value))
mc$n_00 <- 30; mc$n_10 <- 12; mc$n_01 <- 25; mc$n_11 <- 33
write_ref(mc, "mcnemar_reference.csv")

## 7. Randomisation inference: the exact permutation p-value of the change-score DiD,
## all choose(n, n1) relabellings (observed included): p = #{|T_b| >= |T_obs|} / choose(n, n1).
## The pipeline's Monte Carlo p-value (1 + #{|T_b| >= |T_obs|}) / (B + 1) estimates it.
set.seed(99)
ri <- data.frame(unit = 1:12, treated = rep(c(1, 0), c(5, 7)))
ri$change <- rnorm(12) + 0.8 * ri$treated
write_ref(ri, "ri_data.csv")
stat <- function(d) mean(ri$change[d == 1]) - mean(ri$change[d == 0])
obs <- stat(ri$treated)
combos <- combn(12, 5)
T <- apply(combos, 2, function(idx) { d <- rep(0, 12); d[idx] <- 1; stat(d) })
write_ref(data.frame(estimate = obs, n_assignments = ncol(combos),
                     p_exact = mean(abs(T) >= abs(obs) - 1e-12)), "ri_reference.csv")
cat("reference CSVs written to", out, "\n")
