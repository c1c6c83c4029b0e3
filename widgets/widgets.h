/* Every console widget, for the console to include in one line. See each
 * header for its widget; widget.h for what they share (window, dirty flag,
 * keys) and theme.h/term.h for colours and glyphs. */
#ifndef BERTH_WIDGETS_WIDGETS_H
#define BERTH_WIDGETS_WIDGETS_H

#include "widgets/dialog.h"
#include "widgets/form.h"
#include "widgets/gauge.h"
#include "widgets/help.h"
#include "widgets/jsonview.h"
#include "widgets/keybar.h"
#include "widgets/lineedit.h"
#include "widgets/logview.h"
#include "widgets/prompt.h"
#include "widgets/sparkline.h"
#include "widgets/statusbar.h"
#include "widgets/table.h"
#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"
#include "widgets/widget.h"

#endif
