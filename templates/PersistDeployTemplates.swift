// The templates in this folder are compiled into `EmbeddedTemplates.all` by EmbedTemplatesPlugin.
