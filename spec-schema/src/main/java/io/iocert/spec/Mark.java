package io.iocert.spec;

/** A 1-based line and column in a spec document. */
record Mark(int line, int column) {
    static final Mark START = new Mark(1, 1);
}
