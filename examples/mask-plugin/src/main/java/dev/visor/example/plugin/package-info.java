/** A third-party mask plugin that depends only on masks-spi. */
package dev.visor.example.plugin;
