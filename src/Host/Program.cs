// Entry point placeholder: the CLI verbs arrive with the experiment host.
return 0;
