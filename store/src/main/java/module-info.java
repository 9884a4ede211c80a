/** The results store (SQLite or PostgreSQL, Flyway migrations) and the catalogue published from it. */
module io.iocert.store {
    requires transitive io.iocert.certifier;
    requires java.sql;
    requires com.fasterxml.jackson.databind;
    requires org.apache.commons.statistics.distribution;
    // No module name of its own: the name derived from its file. Its PostgreSQL support is a
    // plugin found at run time and not named here.
    requires flyway.core;
    requires org.postgresql.jdbc;
    requires org.xerial.sqlitejdbc;

    exports io.iocert.store;
    // `iocert publish`: one command's implementation.
    exports io.iocert.store.publish to
            io.iocert.cli;
}
