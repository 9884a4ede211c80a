/** The iocert command: the one module that prints and exits, and nobody's dependency: it exports nothing. */
module io.iocert.cli {
    requires io.iocert.probes;
    requires io.iocert.runner;
    requires io.iocert.store;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.opencsv;
    requires jdk.httpserver; // the admission webhook
    requires org.apache.commons.cli;
    requires org.apache.commons.compress; // OCI and docker image archives
    requires org.bouncycastle.pkix; // PEM keys for the webhook's TLS
    requires org.bouncycastle.provider;
}
