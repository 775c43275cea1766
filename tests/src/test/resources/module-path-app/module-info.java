// A user's application as a named module on the module path (compiled and run by dev.kiln.modules.ModulePathTest).
module dev.kiln.modulecheck {
    requires dev.kiln.block;

    // blocks register the layers held in their fields by reflection
    opens dev.kiln.modulecheck to dev.kiln.block;
}
