#include "client/diff.h"
