/** An example mask plugin: provides the {@code axial} strategy. */
module dev.visor.example.plugin {
    requires transitive dev.visor.mask;

    exports dev.visor.example.plugin;

    provides dev.visor.mask.MaskStrategy with dev.visor.example.plugin.AxialMask.Strategy;
}
