package io.iocert.certifier;

/** An interval that holds the true value of a statistic with the stated confidence. */
public record ConfidenceInterval(double low, double high, double confidence) {
    public ConfidenceInterval {
        if (low > high) {
            throw new IllegalArgumentException("low " + low + " > high " + high);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }
}
