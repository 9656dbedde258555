/** An example plugin: provides the {@code axial} mask and the {@code temperature} score modifier. */
module dev.visor.example.plugin {
    requires transitive dev.visor.mask;

    exports dev.visor.example.plugin;

    provides dev.visor.mask.MaskStrategy with dev.visor.example.plugin.AxialMask.Strategy;
    provides dev.visor.mask.ScoreModifierStrategy with dev.visor.example.plugin.HeadTemperatureModifier.Strategy;
}
