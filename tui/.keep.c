/* Keeps the library non-empty while the folder fills in. */
int berth_tui_present;
