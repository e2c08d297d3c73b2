package io.procmodule.e2e.offline;

import com.fasterxml.jackson.databind.JsonNode;
import io.procmodule.e2e.RepoFiles;
import io.procmodule.operator.api.ProcModule;

/** The committed CRD (deploy/crds/), read as a tree. */
final class Crd {
    static final String PATH = "deploy/crds/procmodules.procmodule.io-v1.yml";

    private Crd() {}

    /** The served version {@code procmodule.io/v1alpha1} of the committed CRD. */
    static JsonNode version() {
        JsonNode crd = StrictYaml.documents(RepoFiles.read(PATH)).get(0);
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("name").asText().equals(ProcModule.VERSION)) {
                return version;
            }
        }
        throw new IllegalStateException(PATH + " has no version " + ProcModule.VERSION);
    }

    static JsonNode schema() {
        return version().path("schema").path("openAPIV3Schema");
    }
}
