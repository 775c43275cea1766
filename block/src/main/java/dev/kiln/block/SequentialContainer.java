package dev.kiln.block;

/** Marks the sequential containers, which {@link Block#summary} leaves out of its rows as Gluon does. */
interface SequentialContainer {
}
