package io.iocert.certifier.stats;

/** A statistic estimated from a measurement: the value and how many samples it rests on. */
public record Estimate(double value, long samples) {
}
