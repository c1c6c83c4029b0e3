/* Keeps the library non-empty while the folder fills in. */
int berth_widgets_present;
