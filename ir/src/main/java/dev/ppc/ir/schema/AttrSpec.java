package dev.ppc.ir.schema;

import dev.ppc.ir.Attribute;

/** The schema of one attribute: its kind and whether a node must give it. */
public record AttrSpec(String name, Attribute.Kind kind, boolean required) {}
