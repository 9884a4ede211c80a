package io.iocert.spec;

/**
 * A spec that cannot be used. The message reads
 * {@code FILE:LINE:COL: <field path>: <what is wrong>; expected <what>}; line and column are
 * 1-based and 0 when unknown (then omitted).
 */
public final class SpecException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;
    private final String field;
    private final String problem;
    private final String expected;

    public SpecException(String file, int line, int column, String field, String problem, String expected) {
        super(format(file, line, column, field, problem, expected));
        this.file = file;
        this.line = line;
        this.column = column;
        this.field = field;
        this.problem = problem;
        this.expected = expected;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    public String expected() {
        return expected;
    }

    private static String format(String file, int line, int column, String field, String problem, String expected) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(Math.max(column, 1));
        }
        sb.append(": ");
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        sb.append(problem);
        if (expected != null && !expected.isEmpty()) {
            sb.append("; expected ").append(expected);
        }
        return sb.toString();
    }
}
