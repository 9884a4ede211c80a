package io.iocert.results;

/**
 * Summary statistics of one measurement's samples, in the measurement's canonical unit.
 * A convenience for people and spreadsheets; the certifier works from the full distribution.
 */
public record Summary(double min, double mean, double p50, double p90, double p99, double p999,
                      double max, double stddev) {
}
