//! The core's client options as Python sees them: `CLIENT_OPTIONS`, `parse_option`, and
//! the conversion of keyword arguments into a checked `ClientConfig`.
//!
//! Every rule and message comes from `talque_core::options`; here Python values are only
//! extracted by each option's kind (a bool is not an int, a path is a `str` or an
//! `os.PathLike`), and the core's type and value problems become `TypeError` and
//! `ValueError`.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString, PyTuple};
use talque_core::{
    find_option, ClientConfig, ClientOption, OptionDefault, OptionError, OptionKind, OptionValue,
    Problem, Secret, CLIENT_OPTIONS, DEFAULT_BASE_URL,
};

/// What the server sees of the Python package, version included.
const USER_AGENT: &str = concat!("talque-python/", env!("CARGO_PKG_VERSION"));

/// A rejected option on its way to Python, as `TypeError` or `ValueError`.
pub struct OptionErr(pub OptionError);

impl From<OptionErr> for PyErr {
    fn from(err: OptionErr) -> PyErr {
        match err.0.problem {
            Problem::Type => PyTypeError::new_err(err.0.message),
            Problem::Value => PyValueError::new_err(err.0.message),
        }
    }
}

/// One entry of `talque._talque.CLIENT_OPTIONS`, read-only.
#[pyclass(frozen, module = "talque._talque", name = "ClientOption")]
pub struct ClientOptionInfo {
    option: &'static ClientOption,
}

#[pymethods]
impl ClientOptionInfo {
    /// The keyword argument's name.
    #[getter]
    fn name(&self) -> &'static str {
        self.option.name
    }

    /// `seconds`, `integer`, `bool`, `path` or `text`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.option.kind.name()
    }

    /// The default value; `None` for the credentials (required) and `ca_bundle` (unset).
    #[getter]
    fn default<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self.option.default {
            OptionDefault::Required | OptionDefault::Unset => Ok(py.None().into_bound(py)),
            OptionDefault::Seconds(seconds) => Ok(PyFloat::new(py, seconds).into_any()),
            OptionDefault::Integer(number) => Ok(number.into_pyobject(py)?.into_any()),
            OptionDefault::Bool(on) => Ok(PyBool::new(py, on).to_owned().into_any()),
            OptionDefault::Text(text) => Ok(PyString::new(py, text).into_any()),
        }
    }

    /// The smallest value of an integer option, else `None`.
    #[getter]
    fn minimum(&self) -> Option<u64> {
        match self.option.kind {
            OptionKind::Integer { min, .. } => Some(min),
            _ => None,
        }
    }

    /// The largest value of an integer option, else `None`.
    #[getter]
    fn maximum(&self) -> Option<u64> {
        match self.option.kind {
            OptionKind::Integer { max, .. } => Some(max),
            _ => None,
        }
    }

    /// One line saying what the option does.
    #[getter]
    fn help(&self) -> &'static str {
        self.option.help
    }

    fn __repr__(&self) -> String {
        format!(
            "ClientOption(name={:?}, kind={:?})",
            self.option.name,
            self.option.kind.name()
        )
    }
}

/// `CLIENT_OPTIONS`: a tuple, so the one table cannot be changed from Python.
pub fn client_options(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let entries = CLIENT_OPTIONS
        .iter()
        .map(|option| Bound::new(py, ClientOptionInfo { option }))
        .collect::<PyResult<Vec<_>>>()?;
    PyTuple::new(py, entries)
}

/// Checks one option's value as a user wrote it and returns it typed: text (from a command
/// line or a connection form: `"3"`, `"30"`, `"true"`) is parsed by the option's kind, any
/// other value (a JSON number or bool, say) is checked as the client checks it.
#[pyfunction]
pub fn parse_option<'py>(
    py: Python<'py>,
    name: &str,
    value: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let option = find_option(name).map_err(OptionErr)?;
    let is_text = !matches!(option.kind, OptionKind::Text | OptionKind::Path);
    let checked = if is_text && value.is_instance_of::<PyString>() {
        option.parse(&text(option, value)?)
    } else {
        option.check(extract(option, value)?)
    };
    to_python(py, &checked.map_err(OptionErr)?)
}

/// The configuration of `CoreClient(client_id, secret, **options)`, fully checked.
pub fn client_config(
    client_id: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<ClientConfig> {
    let mut config = ClientConfig::new(DEFAULT_BASE_URL, "", Secret::new(String::new()));
    config.user_agent = USER_AGENT.to_owned();
    set(&mut config, "client_id", client_id)?;
    set(&mut config, "secret", secret)?;
    if let Some(options) = options {
        for (name, value) in options.iter() {
            set(&mut config, name.cast::<PyString>()?.to_str()?, &value)?;
        }
    }
    config.validate().map_err(OptionErr)?;
    Ok(config)
}

/// The effective values (no secret) as a new `{name: value}` dict.
pub fn values_dict<'py>(
    py: Python<'py>,
    values: &[(&'static ClientOption, OptionValue)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (option, value) in values {
        dict.set_item(option.name, to_python(py, value)?)?;
    }
    Ok(dict)
}

fn set(config: &mut ClientConfig, name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    let option = find_option(name).map_err(OptionErr)?;
    let value = extract(option, value)?;
    config.set(name, value).map_err(OptionErr)?;
    Ok(())
}

/// The Python value as the option's kind, without converting between kinds (`"3"` is not
/// an int, `True` is not a number); a value of another type is the core's type error.
fn extract(option: &ClientOption, value: &Bound<'_, PyAny>) -> PyResult<OptionValue> {
    if value.is_none() {
        return Ok(OptionValue::Unset);
    }
    let is_number = !value.is_instance_of::<PyBool>();
    let extracted = match option.kind {
        OptionKind::Seconds if is_number && value.is_instance_of::<PyFloat>() => {
            OptionValue::Seconds(value.extract()?)
        }
        OptionKind::Seconds if is_number && value.is_instance_of::<PyInt>() => {
            match value.extract::<f64>() {
                Ok(seconds) => OptionValue::Seconds(seconds),
                Err(_) => return written_out(option, value),
            }
        }
        OptionKind::Integer { .. } if is_number && value.is_instance_of::<PyInt>() => {
            match value.extract::<i128>() {
                Ok(number) => OptionValue::Integer(number),
                Err(_) => return written_out(option, value),
            }
        }
        OptionKind::Bool if value.is_instance_of::<PyBool>() => OptionValue::Bool(value.extract()?),
        OptionKind::Path if value.is_instance_of::<PyString>() => {
            OptionValue::Path(value.extract()?)
        }
        OptionKind::Path if value.hasattr("__fspath__")? => {
            let path = value.call_method0("__fspath__")?;
            if !path.is_instance_of::<PyString>() {
                return Err(OptionErr(option.type_error(&type_name(&path))).into());
            }
            OptionValue::Path(path.extract()?)
        }
        OptionKind::Text if value.is_instance_of::<PyString>() => {
            OptionValue::Text(text(option, value)?)
        }
        _ => return Err(OptionErr(option.type_error(&type_name(value))).into()),
    };
    Ok(extracted)
}

/// An int too large to convert (for a float or an `i128`), checked as its digits, so that
/// the core's message shows the number given.
fn written_out(option: &ClientOption, value: &Bound<'_, PyAny>) -> PyResult<OptionValue> {
    Ok(option.parse(value.str()?.to_str()?).map_err(OptionErr)?)
}

/// A `str` as UTF-8; one with a lone surrogate is refused without quoting it.
fn text(option: &ClientOption, value: &Bound<'_, PyAny>) -> PyResult<String> {
    match value.cast::<PyString>()?.to_str() {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err(OptionErr(option.not_unicode()).into()),
    }
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "?".to_owned(), |name| name.to_string())
}

fn to_python<'py>(py: Python<'py>, value: &OptionValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        OptionValue::Unset => py.None().into_bound(py),
        OptionValue::Seconds(seconds) => PyFloat::new(py, *seconds).into_any(),
        OptionValue::Integer(number) => number.into_pyobject(py)?.into_any(),
        OptionValue::Bool(on) => PyBool::new(py, *on).to_owned().into_any(),
        // Paths go back as `str`, decoded the way `os.fsdecode` does.
        OptionValue::Path(path) => path.as_os_str().into_pyobject(py)?.into_any(),
        OptionValue::Text(text) => PyString::new(py, text).into_any(),
    })
}
