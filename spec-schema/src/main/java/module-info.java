/**
 * The spec v1 format: its JSON Schema, the loader and the immutable model. One package, all of it
 * read by the other modules. Jackson, YAML and the schema validator stay out of its signatures.
 */
module io.iocert.spec {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires com.networknt.schema;
    requires org.yaml.snakeyaml;

    exports io.iocert.spec;
}
