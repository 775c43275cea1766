/**
 * Parameters and their training: {@code Parameter}, {@code ParameterDict}, initialisers, block-scope naming,
 * optimizers with their learning-rate schedules, and the {@code Trainer}. Every package is API.
 */
module dev.kiln.parameter {
    requires transitive dev.kiln.symbolic;
    requires com.fasterxml.jackson.core;
    requires java.logging;

    exports dev.kiln.init;
    exports dev.kiln.naming;
    exports dev.kiln.optimizer;
    exports dev.kiln.optimizer.schedule;
    exports dev.kiln.parameter;
    exports dev.kiln.trainer;
}
