/** The {@code procmodule.io/v1alpha1} API: the types the CRD is generated from. */
package io.procmodule.operator.api;
